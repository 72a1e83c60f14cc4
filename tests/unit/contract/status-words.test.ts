import assert from 'node:assert/strict'
import { test } from 'node:test'
import { phaseSchema, shutdownSchema, wakeSchema } from '../../../service/src/contract/status.js'
import { phases } from '../../../service/src/lifecycle/states.js'
import { shutdownOutcomes, shutdownTriggers, wakeMethods, wakeOutcomes, wakeTriggers } from '../../../service/src/ports/power-records.js'

// The status JSON publishes the words the lifecycle decides and the store keeps: a phase, trigger,
// method or outcome added to those lists must be one a client may receive, or the serializer and
// `hall status` would refuse an answer Hall gives.
const cases = [
  { name: 'phases', published: phaseSchema.options, used: phases },
  { name: 'wake triggers', published: wakeSchema.shape.trigger.options, used: wakeTriggers },
  { name: 'wake methods', published: wakeSchema.shape.method.options, used: wakeMethods },
  { name: 'wake outcomes', published: wakeSchema.shape.outcome.options, used: wakeOutcomes },
  { name: 'shutdown triggers', published: shutdownSchema.shape.trigger.options, used: shutdownTriggers },
  { name: 'shutdown outcomes', published: shutdownSchema.shape.outcome.options, used: shutdownOutcomes }
]
for (const c of cases) {
  test(`status contract: the ${c.name} it publishes are the lifecycle's, in the same order`, () => {
    assert.deepEqual([...c.published], [...c.used])
  })
}
