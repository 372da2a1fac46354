import type { BpmnRuntime } from '../bpmn-runtime';
import { TENANT } from '../records/record';
import type { ElementInstance, Incident, IncidentErrorType, Job, PendingStep } from '../state/entities';

/** Incidents stop an element where it is; resolving one re-runs the step that failed. */
export class IncidentBehavior {
  constructor(private readonly rt: BpmnRuntime) {}

  raise(instance: ElementInstance, errorType: IncidentErrorType, message: string, pending: PendingStep): Incident {
    instance.pending = pending;
    this.rt.state.elements.touch(instance);
    return this.create(instance, errorType, message, -1);
  }

  /** A job ran out of retries (or threw an uncaught error): the incident is about the job. */
  raiseForJob(job: Job, errorType: IncidentErrorType, message: string): Incident | undefined {
    const instance = this.rt.state.elements.get(job.elementInstanceKey);
    if (!instance) return undefined;
    return this.create(instance, errorType, message, job.key);
  }

  private create(instance: ElementInstance, errorType: IncidentErrorType, message: string, jobKey: number): Incident {
    const incident: Incident = {
      key: this.rt.state.keys.next(),
      errorType,
      errorMessage: message,
      processInstanceKey: instance.processInstanceKey,
      processDefinitionKey: instance.processDefinitionKey,
      bpmnProcessId: instance.bpmnProcessId,
      elementInstanceKey: instance.key,
      elementId: instance.elementId,
      jobKey,
      variableScopeKey: instance.key,
      createdAt: this.rt.now(),
    };
    this.rt.state.putIncident(incident);
    this.write(incident, 'CREATED');
    return incident;
  }

  /** Removes the incident and writes RESOLVED; the caller continues the element. */
  resolve(incident: Incident): void {
    this.rt.state.removeIncident(incident.key);
    this.write(incident, 'RESOLVED');
  }

  /** Resolves every incident of an element that is being terminated. */
  resolveAllOf(instance: ElementInstance): void {
    for (const incident of this.rt.state.incidentsOf(instance.key)) this.resolve(incident);
  }

  private write(incident: Incident, intent: string): void {
    this.rt.state.log.append(
      'INCIDENT',
      intent,
      incident.key,
      this.rt.now(),
      {
        errorType: incident.errorType,
        errorMessage: incident.errorMessage,
        bpmnProcessId: incident.bpmnProcessId,
        processDefinitionKey: incident.processDefinitionKey,
        processInstanceKey: incident.processInstanceKey,
        elementId: incident.elementId,
        elementInstanceKey: incident.elementInstanceKey,
        jobKey: incident.jobKey,
        variableScopeKey: incident.variableScopeKey,
        tenantId: TENANT,
      },
      incident.processInstanceKey,
      incident.elementId,
      null,
    );
  }
}
