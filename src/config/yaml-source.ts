/**
 * Ties values back to where they were written. Validation happens on plain data, so each issue's key
 * path is looked up again in the YAML syntax tree to give it a line and column.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter, type Scalar } from 'yaml'
import type { ConfigPath } from './config-error.js'

export interface Position {
  line: number
  column: number
}

interface Ranged {
  range?: readonly [number, number, number] | null
}

/** A key as plain data sees it (`toJS` turns every map key into a string). */
function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key)
}

/** Where `node` starts; 1:1 for a node without a source range. */
export function positionOf(node: unknown, lines: LineCounter): Position {
  const range = (node as Ranged | null | undefined)?.range
  if (!range) return { line: 1, column: 1 }
  const { line, col } = lines.linePos(range[0])
  return { line, column: col }
}

/**
 * Where to point for an issue at `path`:
 *  - `key`: the key itself (an unknown key);
 *  - `value`: the value, or its key when the value is empty; when the path does not exist (a missing
 *    key), the key of the nearest enclosing mapping that does.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: ConfigPath,
  at: 'key' | 'value' = 'value',
): Position {
  const pos = (node: unknown) => positionOf(node, lines)
  let node: unknown = doc.contents
  let keyNode: unknown
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc)
    let next: { value: unknown; key: unknown } | undefined
    if (isMap(node)) {
      const pair = node.items.find((p) => keyName(p.key) === String(segment))
      if (pair) next = { value: pair.value, key: pair.key }
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      next = { value: node.items[segment], key: undefined }
    }
    if (!next) return pos(keyNode ?? node)
    node = next.value
    keyNode = next.key
  }
  if (at === 'key' && keyNode) return pos(keyNode)
  const empty = node == null || (isScalar(node) && node.value === null)
  return pos(empty ? (keyNode ?? node) : node)
}

export interface SourceVisitor {
  /** Every scalar string value (never a key), with its key path. */
  string(scalar: Scalar<string>, path: ConfigPath): void
  /** A mapping key that is itself a list or mapping, which plain data cannot represent faithfully. */
  complexKey(key: unknown, path: ConfigPath): void
}

export function visitSource(doc: Document, visitor: SourceVisitor): void {
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isScalar(node)) {
      if (typeof node.value === 'string') visitor.string(node as Scalar<string>, path)
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (pair.key !== null && !isScalar(pair.key)) visitor.complexKey(pair.key, path)
        else walk(pair.value, [...path, keyName(pair.key)])
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i])
      })
    }
  }
  walk(doc.contents, [])
}
