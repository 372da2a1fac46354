/**
 * Lets a child `node` process run the TypeScript sources directly
 * (`node -r ./test/helpers/register-ts.js src/main.ts`), so that tests can start, signal and
 * kill -9 the real service without building it first. Files are transpiled one by one, as
 * ts-jest does, without type checking. Output is cached by content under
 * node_modules/.cache, so that only the first start of a test run pays for loading TypeScript.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const cacheDir = join(__dirname, '..', '..', 'node_modules', '.cache', 'register-ts');
const version = require('typescript/package.json').version;
let ts;

function transpile(source, fileName) {
  ts ??= require('typescript');
  const compilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2023,
    esModuleInterop: true,
    resolveJsonModule: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    // Maps for `node --enable-source-maps`; not enabled by default, as Node would then parse the maps of every dependency too.
    inlineSourceMap: true,
  };
  return ts.transpileModule(source, { compilerOptions, fileName }).outputText;
}

require.extensions['.ts'] = (module, fileName) => {
  const source = readFileSync(fileName, 'utf8');
  const key = createHash('sha1').update(`${version}\0${fileName}\0${source}`).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  let output;
  try {
    output = readFileSync(cached, 'utf8');
  } catch {
    output = transpile(source, fileName);
    mkdirSync(cacheDir, { recursive: true });
    // Written aside, then renamed: a process starting alongside never reads half a file.
    writeFileSync(`${cached}.${process.pid}`, output);
    renameSync(`${cached}.${process.pid}`, cached);
  }
  module._compile(output, fileName);
};
