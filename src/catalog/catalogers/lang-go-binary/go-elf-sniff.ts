/**
 * Recognizes a Go executable from its first bytes, so the streamer buffers
 * Go binaries and lets every other executable stream past. The Go linker
 * places the `.note.go.buildid` note (owner "Go", type 4) right after the ELF
 * headers, well inside the first page; small binaries may even show the
 * build-info magic itself.
 */
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const NOTE_LE = Buffer.from([0x04, 0x00, 0x00, 0x00, 0x47, 0x6f, 0x00, 0x00]);
const NOTE_BE = Buffer.from([0x00, 0x00, 0x00, 0x04, 0x47, 0x6f, 0x00, 0x00]);
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');

export function looksLikeGoElf(head: Buffer): boolean {
  if (head.length < 64 || !head.subarray(0, 4).equals(ELF_MAGIC)) return false;
  return head.includes(NOTE_LE) || head.includes(NOTE_BE) || head.includes(BUILDINFO_MAGIC);
}
