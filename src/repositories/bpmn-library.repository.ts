import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';

/** One file of the library. */
export interface LibraryFile {
  /** Its name, e.g. `welcome.bpmn`. */
  readonly file: string;
  readonly text: string;
}

/**
 * The `bpmn/` folder a new user gets: the sample journeys (`*.bpmn`) and the touchpoint element
 * templates (`templates/*.json`). Read once, then from memory: the files ship with the release.
 */
@Injectable()
export class BpmnLibraryRepository {
  private readonly directory = [join(__dirname, '..', '..', 'bpmn'), join(__dirname, '..', '..', '..', 'bpmn')].find((dir) => existsSync(dir));
  private samples?: Promise<LibraryFile[]>;
  private templates?: Promise<LibraryFile[]>;

  /** The sample diagrams, by file name. */
  sampleDiagrams(): Promise<LibraryFile[]> {
    this.samples ??= this.read('', '.bpmn');
    return this.samples;
  }

  /** The element templates' JSON files, by file name. */
  elementTemplates(): Promise<LibraryFile[]> {
    this.templates ??= this.read('templates', '.json');
    return this.templates;
  }

  private async read(folder: string, extension: string): Promise<LibraryFile[]> {
    if (!this.directory) return [];
    const dir = join(this.directory, folder);
    if (!existsSync(dir)) return [];
    const names = (await readdir(dir)).filter((name) => name.endsWith(extension)).sort();
    return Promise.all(names.map(async (file) => ({ file, text: await readFile(join(dir, file), 'utf8') })));
  }
}
