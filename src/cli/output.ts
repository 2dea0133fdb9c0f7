/** Writes a command's result to `-o FILE` (atomically, via a temp file) or stdout. */
import { rename, writeFile } from 'node:fs/promises';

export async function writeOutput(text: string, file?: string): Promise<void> {
  const body = text.endsWith('\n') ? text : `${text}\n`;
  if (!file || file === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(body, (e) => (e ? reject(e) : resolve())));
    return;
  }
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, body);
  await rename(temp, file);
}
