import { type LoadOpenApiOptions, loadOpenApi } from './load-openapi'
import { type OpenApiDocumentModel, OpenApiLoadError } from './openapi-model'
import { OperationRouter } from './operation-router'
import { RequestValidator } from './request-validator'
import { SchemaCompiler, unsafePatterns } from './schema-compiler'

/** Everything the validation stages need, built once the document is loaded. */
export interface OpenApiRuntime {
  readonly model: OpenApiDocumentModel
  readonly router: OperationRouter
  readonly compiler: SchemaCompiler
  readonly validator: RequestValidator
}

/** Loads the document, refuses dangerous patterns, and compiles the router (schemas compile on first use). */
export async function createOpenApiRuntime(
  source: string | Record<string, unknown>,
  options: LoadOpenApiOptions & { maxErrors: number },
): Promise<OpenApiRuntime> {
  const model = await loadOpenApi(source, options)
  const compiler = new SchemaCompiler(model)
  const problems = [...unsafePatterns(model), ...compiler.schemaProblems()]
  if (problems.length > 0) throw new OpenApiLoadError(problems)
  return {
    model,
    router: new OperationRouter(model.operations, model.basePaths),
    compiler,
    validator: new RequestValidator(compiler, options.maxErrors),
  }
}
