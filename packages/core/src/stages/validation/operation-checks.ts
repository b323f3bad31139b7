import type { CollectedOperation } from './collect-operations'
import { appendPointer } from './document-pointer'
import type { OpenApiProblem } from './openapi-model'
import { shortMessage } from './parse-document-text'

/**
 * What the router needs to be true of the operations: each `operationId` used once, and the
 * `{name}`s of each path template matching the operation's path parameters one for one.
 */
export function operationProblems(operations: readonly CollectedOperation[], file: string): OpenApiProblem[] {
  const problems: OpenApiProblem[] = []
  const firstById = new Map<string, CollectedOperation['operation']>()
  for (const { operation, parameterSites } of operations) {
    const id = operation.operationId
    if (id !== undefined) {
      const first = firstById.get(id)
      if (first === undefined) firstById.set(id, operation)
      else {
        const message = `operationId "${id}" is already used by ${first.method} ${first.template}`
        problems.push({
          file,
          pointer: appendPointer(operation.pointer, 'operationId'),
          message: shortMessage(message),
        })
      }
    }
    const names = new Set([...operation.template.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] as string))
    const declared = new Set<string>()
    operation.parameters.forEach((parameter, index) => {
      if (parameter.in !== 'path') return
      declared.add(parameter.name)
      if (!names.has(parameter.name)) {
        const message = `path parameter "${parameter.name}" has no {${parameter.name}} in the path template ${operation.template}`
        problems.push({ file, pointer: parameterSites[index] ?? operation.pointer, message: shortMessage(message) })
      }
    })
    for (const name of names) {
      if (!declared.has(name)) {
        const message = `the path template has {${name}}, but the operation has no path parameter "${name}"`
        problems.push({ file, pointer: operation.pointer, message: shortMessage(message) })
      }
    }
  }
  return problems
}
