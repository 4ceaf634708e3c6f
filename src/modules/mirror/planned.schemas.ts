import { Type } from 'typebox';
import { Id, StringEnum } from '../../shared/schemas.js';
import { CLOCK_RANGE_SECONDS } from './clock-bounds.js';

// What the control plane plans on the mirror's clock: asynchronous tasks (the events' bodies are
// the events module's).

const After = (description: string) => Type.Integer({ minimum: 0, maximum: CLOCK_RANGE_SECONDS, description });

export const TaskPlanBody = Type.Object(
  {
    user_id: Id,
    running_after: Type.Optional(After('Seconds from now until it runs (spooled until then; default 0)')),
    done_after: Type.Optional(
      After('Seconds from now until it is done (running until then; default running_after + 60)'),
    ),
    outcome: Type.Optional(StringEnum(['executed', 'failed'], { default: 'executed' })),
    response: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), { description: 'The envelope an executed task answers' }),
    ),
    error: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "A failed task's error" })),
  },
  {
    additionalProperties: false,
    examples: [{ user_id: 1, running_after: 10, done_after: 60, response: { result: 'success', data: { id: 7 } } }],
  },
);
