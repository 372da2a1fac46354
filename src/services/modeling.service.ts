import { Injectable, Logger } from '@nestjs/common';
import type { SampleJourneyDto } from '../dtos';
import { BpmnLibraryRepository, BpmnModdleRepository, list, processesOf } from '../repositories';

/** What the web modeller starts from: the touchpoint element templates and the sample journeys. */
@Injectable()
export class ModelingService {
  private readonly logger = new Logger(ModelingService.name);

  constructor(
    private readonly library: BpmnLibraryRepository,
    private readonly bpmn: BpmnModdleRepository,
  ) {}

  /** Camunda 8 element templates (the JSON as shipped; the modeller validates them itself). */
  async elementTemplates(): Promise<object[]> {
    const files = await this.library.elementTemplates();
    return files.flatMap((file) => {
      try {
        const parsed: unknown = JSON.parse(file.text);
        return Array.isArray(parsed) ? (parsed as object[]) : [parsed as object];
      } catch (error) {
        this.logger.warn(`Element template ${file.file} is not JSON and is left out: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      }
    });
  }

  async samples(): Promise<SampleJourneyDto[]> {
    const samples: SampleJourneyDto[] = [];
    for (const file of await this.library.sampleDiagrams()) {
      try {
        const process = processesOf((await this.bpmn.read(file.text)).definitions)[0];
        if (!process?.id) continue;
        const documentation = list(process.documentation)[0]?.text;
        samples.push({
          file: file.file,
          name: typeof process.name === 'string' && process.name ? process.name : file.file.replace(/\.bpmn$/, ''),
          processId: process.id,
          description: typeof documentation === 'string' ? documentation : null,
          bpmnXml: file.text,
        });
      } catch (error) {
        this.logger.warn(`Sample ${file.file} is not a BPMN diagram and is left out: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return samples;
  }
}
