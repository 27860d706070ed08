import { inflateSync } from 'node:zlib';

/**
 * The text of a PDF as Chromium (Skia) writes it, to assert on what a reader would see. Not a
 * general PDF reader: Skia writes plain objects (no object streams), Flate-compressed content,
 * and Type0 fonts whose glyph ids map back to text through a ToUnicode CMap; that is all this reads.
 */
export function pdfText(pdf: Buffer): string {
  const objects = readObjects(pdf);
  const cmaps = new Map<number, Map<string, string>>();
  const cmapOf = (fontRef: number) => {
    if (!cmaps.has(fontRef)) {
      const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontRef)?.dict ?? '')?.[1];
      const stream = toUnicode ? objects.get(Number(toUnicode))?.stream : undefined;
      cmaps.set(fontRef, parseCmap(stream?.toString('latin1') ?? ''));
    }
    return cmaps.get(fontRef)!;
  };
  const pages = [...objects.values()].filter((o) => /\/Type \/Page\b(?!s)/.test(o.dict));
  return pages.map((page) => {
    const fonts = new Map([...(/\/Font <<([^>]*)>>/.exec(page.dict)?.[1] ?? '').matchAll(/\/(\w+) (\d+) 0 R/g)].map((m) => [m[1], Number(m[2])]));
    const contents = [...(/\/Contents (?:\[([^\]]*)\]|(\d+ 0 R))/.exec(page.dict)?.slice(1).join(' ') ?? '').matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
    let cmap = new Map<string, string>();
    const out: string[] = [];
    for (const ref of contents) {
      const ops = objects.get(ref)?.stream?.toString('latin1') ?? '';
      // Font selections and the hex strings shown with Tj/TJ, in order; each text object on a line.
      for (const m of ops.matchAll(/\/(\w+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|\bET\b/g)) {
        if (m[1]) cmap = cmapOf(fonts.get(m[1]) ?? -1);
        else if (m[2] !== undefined) out.push((m[2].match(/.{4}/g) ?? []).map((code) => cmap.get(code.toUpperCase()) ?? '').join(''));
        else out.push('\n');
      }
    }
    return out.join('');
  }).join('\n\f');
}

/** The number of pages, as a PDF reader counts them. */
export const pdfPageCount = (pdf: Buffer) => [...readObjects(pdf).values()].filter((o) => /\/Type \/Page\b(?!s)/.test(o.dict)).length;

type PdfObject = { dict: string; stream?: Buffer };

function readObjects(pdf: Buffer): Map<number, PdfObject> {
  const src = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s*/g;
  for (let m = header.exec(src); m; m = header.exec(src)) {
    const start = m.index + m[0].length;
    const end = src.indexOf('endobj', start);
    const streamAt = src.indexOf('stream', start);
    if (streamAt === -1 || streamAt > end) {
      objects.set(Number(m[1]), { dict: src.slice(start, end) });
      continue;
    }
    const dict = src.slice(start, streamAt);
    let dataStart = streamAt + 'stream'.length;
    if (src[dataStart] === '\r') dataStart++;
    if (src[dataStart] === '\n') dataStart++;
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
    const raw = pdf.subarray(dataStart, dataStart + length);
    objects.set(Number(m[1]), { dict, stream: /\/FlateDecode/.test(dict) ? inflateSync(raw) : raw });
    header.lastIndex = dataStart + length; // binary data may look like anything: skip it
  }
  return objects;
}

/** A ToUnicode CMap's bfchar and bfrange entries: glyph code (4 hex digits) to text. */
function parseCmap(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, text] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(code.toUpperCase(), utf16(text));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, first] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      for (let code = parseInt(lo, 16), i = 0; code <= parseInt(hi, 16); code++, i++) {
        map.set(code.toString(16).toUpperCase().padStart(4, '0'), String.fromCharCode(parseInt(first, 16) + i));
      }
    }
  }
  return map;
}
