/**
 * A test's state machine taken from a SAM, CloudFormation or CDK template, read as `stepwise
 * deploy` reads it (src/templates): a test names the template and a logical id, and runs the
 * definition the template resolves to, substitutions made.
 */
import { loadTemplate, TemplateError } from '../templates/load.js';
import type { Json } from '../json.js';

/** `runWorkflow(fromTemplate('template.yaml', 'OrdersStateMachine'), ...)`. */
export class TemplateStateMachineRef {
  constructor(
    readonly file: string,
    readonly logicalId: string,
    readonly parameters: Record<string, string> = {},
  ) {}
}

export function fromTemplate(
  file: string,
  logicalId: string,
  parameters: Record<string, string> = {},
): TemplateStateMachineRef {
  return new TemplateStateMachineRef(file, logicalId, parameters);
}

/** The state machine's resolved definition and type; a logical id the template lacks names the ones it has. */
export async function templateStateMachine(
  ref: TemplateStateMachineRef,
): Promise<{ definition: Json; type: 'STANDARD' | 'EXPRESS' }> {
  const template = await loadTemplate(ref.file, { parameters: ref.parameters });
  const machine = template.stateMachines.find((m) => m.logicalId === ref.logicalId);
  if (!machine) {
    const known = template.stateMachines.map((m) => m.logicalId);
    throw new TemplateError(
      `${ref.file} has no state machine '${ref.logicalId}'` +
        (known.length > 0 ? ` (its state machines: ${known.join(', ')})` : ' (it has no state machines)'),
    );
  }
  return { definition: machine.definition, type: machine.type };
}
