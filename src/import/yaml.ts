// Writes an imported endpoint as YAML: a new config file, or one more entry under `endpoints:` of an
// existing file. The existing file goes through the `yaml` package's Document API, so its comments,
// key order and quoting stay as the person wrote them; only the new entry is added.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ImportedEndpoint } from './describe.js';
import { ImportError } from './describe.js';

const TO_STRING = { lineWidth: 0 } as const;

/** The new entry as a node of `doc`, with its comments. */
function entryNode(doc: Document, imported: ImportedEndpoint): Node {
  const node = doc.createNode(imported.entry);
  const header = [
    ` ${imported.name}: imported by sagezero import. It keeps model ${imported.modelName} and endpoint config ${imported.configName}`,
    ` while their content is what this entry says; run \`sagezero apply --adopt ${imported.name}\` to make it sagezero's.`,
    ...imported.notes.map((n) => ` note: ${n}`),
  ].join('\n');
  node.commentBefore = header;
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === 'scaling');
    if (pair && isScalar(pair.key)) pair.key.commentBefore = imported.scalingComment;
  }
  return node;
}

/** A whole config file holding the imported endpoint (for stdout, or a file that does not exist yet). */
export function newConfigYaml(region: string, imported: ImportedEndpoint): string {
  const doc = parseDocument(`region: ${region}\ncloud: aws\n`);
  doc.set('endpoints', doc.createNode([]));
  const seq = doc.get('endpoints', true);
  if (isSeq(seq)) seq.items.push(entryNode(doc, imported));
  return doc.toString(TO_STRING);
}

/** `text` (the config file `file`) with the imported endpoint appended under `endpoints:`. */
export function appendToConfigYaml(text: string, file: string, imported: ImportedEndpoint): string {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0)
    throw new ImportError(
      `${file}: not valid YAML (${doc.errors[0]?.message ?? 'parse error'}); nothing was written`,
    );
  if (!isMap(doc.contents))
    throw new ImportError(`${file}: not a sagezero config (no top-level mapping); nothing was written`);
  const existing = doc.get('endpoints', true);
  if (existing === undefined || existing === null) {
    doc.set('endpoints', doc.createNode([]));
  } else if (!isSeq(existing)) {
    throw new ImportError(`${file}: endpoints is not a list; nothing was written`);
  }
  const seq = doc.get('endpoints', true);
  if (!isSeq(seq)) throw new ImportError(`${file}: endpoints is not a list; nothing was written`);
  const taken = seq.items.some((i) => isMap(i) && i.get('name') === imported.name);
  if (taken)
    throw new ImportError(
      `${file}: endpoint ${imported.name} is already in endpoints; nothing was written (remove it first to import it again)`,
    );
  // A flow sequence (`endpoints: []`) would put the whole entry on one line.
  seq.flow = false;
  seq.items.push(entryNode(doc, imported));
  return doc.toString(TO_STRING);
}
