import { parseDeployProblems } from './process-deployment.repository';

describe('parseDeployProblems', () => {
  it('should read the problems per element from a Zeebe deploy rejection', () => {
    // given
    const details =
      "Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n" +
      "'welcome.bpmn': - Element: split\n    - ERROR: Execution listeners of type 'end' are not supported by gateway element\n" +
      '- Element: wait\n    - ERROR: Elements of type MESSAGE INTERMEDIATE_CATCH_EVENT are not supported yet by the embedded engine\n' +
      '    - ERROR: Must have a message reference\n';

    // then
    expect(parseDeployProblems(details)).toEqual([
      { elementId: 'split', message: "Execution listeners of type 'end' are not supported by gateway element" },
      { elementId: 'wait', message: 'Elements of type MESSAGE INTERMEDIATE_CATCH_EVENT are not supported yet by the embedded engine' },
      { elementId: 'wait', message: 'Must have a message reference' },
    ]);
  });

  it('should keep problems of the resource itself, and an unknown text as one problem', () => {
    expect(parseDeployProblems("'x.bpmn': - ERROR: Must contain at least one executable process\n")).toEqual([
      { elementId: null, message: 'Must contain at least one executable process' },
    ]);
    expect(parseDeployProblems('something else')).toEqual([{ elementId: null, message: 'something else' }]);
  });
});
