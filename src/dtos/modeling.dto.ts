import { ApiProperty } from '@nestjs/swagger';

/** A sample journey of the `bpmn/` folder, to start a diagram from. */
export class SampleJourneyDto {
  @ApiProperty({ example: 'welcome.bpmn' })
  file: string;

  @ApiProperty({ description: "The process's name, or the file's.", example: 'Welcome' })
  name: string;

  @ApiProperty({ description: 'The id of the process the diagram defines.', example: 'welcome' })
  processId: string;

  @ApiProperty({ type: String, nullable: true, description: "The process's documentation.", example: 'Welcome journey: greets a newly registered customer by email, then follows up by segment.' })
  description: string | null;

  @ApiProperty({ description: 'The diagram, BPMN 2.0 XML.', example: '<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions …>…</bpmn:definitions>' })
  bpmnXml: string;
}
