/**
 * Compiled machines, by state machine revision or by definition text, so an execution's steps do
 * not compile its definition again. Shared by the durable engine and Express.
 */
import type { CompiledMachine } from '../interpreter/compiled.js';
import { loadDefinition } from '../interpreter/load.js';
import type { StateMachineRecord } from '../store/types.js';

export class CompileCache {
  private readonly machines = new Map<string, CompiledMachine>();

  /** The compiled machine of a state machine revision (a version's revision, or the latest). */
  forStateMachine(sm: StateMachineRecord): CompiledMachine {
    return this.cachedCompile(`${sm.arn}#${sm.revisionId}`, sm.definition);
  }

  /** The compiled machine of a definition text (executions resumed from the store). */
  forDefinition(definition: string): CompiledMachine {
    return this.cachedCompile(definition, definition);
  }

  private cachedCompile(key: string, definition: string): CompiledMachine {
    let machine = this.machines.get(key);
    if (!machine) {
      // Validated when the API stored it; JSON or YAML, as it was sent.
      const loaded = loadDefinition(definition, { trusted: true });
      if (!loaded.ok) throw new Error(`The stored definition does not load: ${loaded.message}`);
      machine = loaded.machine;
      if (this.machines.size > 1000) this.machines.clear();
      this.machines.set(key, machine);
    }
    return machine;
  }
}
