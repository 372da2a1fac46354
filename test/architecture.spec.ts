import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const SRC = join(__dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__fixtures__' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

/** The dependency rules of STYLE.md, kept true by a test rather than by good intentions. */
describe('architecture', () => {
  it('should keep the engine free of frameworks, drivers, the network and the environment', () => {
    const forbidden = /^(@nestjs\/|typeorm|pg$|@grpc\/|express|@camunda8\/)/;
    const problems: string[] = [];
    for (const file of sources(join(SRC, 'engine'))) {
      for (const spec of imports(file)) {
        if (forbidden.test(spec)) problems.push(`${relative(SRC, file)} imports ${spec}`);
        if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(join(SRC, 'engine'))) {
          problems.push(`${relative(SRC, file)} reaches outside src/engine: ${spec}`);
        }
      }
      if (/process\.env/.test(readFileSync(file, 'utf8'))) problems.push(`${relative(SRC, file)} reads process.env`);
    }
    expect(problems).toEqual([]);
  });

  it('should let the rest of the service use the engine through its index only', () => {
    const problems: string[] = [];
    for (const file of sources(SRC)) {
      if (file.startsWith(join(SRC, 'engine') + '/')) continue;
      for (const spec of imports(file)) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        const inside = relative(join(SRC, 'engine'), target);
        if (!inside.startsWith('..') && inside !== '' && inside !== 'index' && !inside.startsWith('feel')) {
          problems.push(`${relative(SRC, file)} imports engine internals: ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should keep configuration free of the rest of the service', () => {
    const problems: string[] = [];
    for (const file of sources(join(SRC, 'config'))) {
      for (const spec of imports(file)) {
        if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(join(SRC, 'config'))) {
          problems.push(`${relative(SRC, file)} imports ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('should let the web client reach the service over REST only, through its one API module', () => {
    const client = join(__dirname, '..', 'client', 'src');
    const problems: string[] = [];
    for (const file of sources(client)) {
      for (const spec of imports(file)) {
        if (spec.startsWith('.') && !resolve(dirname(file), spec).startsWith(client)) problems.push(`${relative(client, file)} imports ${spec}`);
        if (/^(@nestjs\/|typeorm|pg$|@grpc\/|@camunda8\/)/.test(spec)) problems.push(`${relative(client, file)} imports ${spec}`);
      }
      if (/\bfetch\(/.test(readFileSync(file, 'utf8')) && !file.endsWith(join('api', 'api-client.ts'))) problems.push(`${relative(client, file)} calls fetch itself`);
    }
    expect(problems).toEqual([]);
  });
});
