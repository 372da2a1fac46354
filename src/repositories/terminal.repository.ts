import { Injectable } from '@nestjs/common';

/**
 * Plain text for the human who started the process, on stdout next to the JSON logs, for what
 * they must see even when nobody reads the logs (the first admin key).
 */
@Injectable()
export class TerminalRepository {
  print(lines: readonly string[]): void {
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
