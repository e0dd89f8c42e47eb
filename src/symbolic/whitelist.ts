/**
 * The whitelist every expression passes before anything is done with it: the equation files and,
 * above all, user schedules given on the command line. Only numbers, known symbols, arithmetic
 * (+ - * / ^, unary minus), parentheses and elementary functions of one argument are allowed. The
 * tree is never handed to mathjs' evaluator; we compile it ourselves (codegen.ts), so an
 * expression can never run code.
 */
import { math, type MathNode } from './mathjs.js'

export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'sqrt', 'abs'])
export const CONSTANTS: ReadonlySet<string> = new Set(['pi', 'e'])
/** The functions of ALLOWED_FUNCTIONS with their number of arguments (what user text may call). */
export const ELEMENTARY: ReadonlyMap<string, number> = new Map([...ALLOWED_FUNCTIONS].map((f) => [f, 1]))
const OPERATORS: ReadonlySet<string> = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus'])

/** Longest expression accepted, in characters (a schedule is a short formula). */
export const MAX_EXPRESSION_LENGTH = 2000
/** Deepest nesting accepted (parentheses, operators, function calls). */
export const MAX_DEPTH = 200

/** Why an expression was refused (a plain message, the caller adds the flag). */
export class ExpressionError extends Error {}

/**
 * Parse `text` and check it against the whitelist, with `symbols` the free names allowed besides
 * pi and e, and `functions` the callable names with their number of arguments (user text: the
 * elementary functions only). Throws ExpressionError with a one-line reason.
 */
export function parseWhitelisted(text: string, symbols: ReadonlySet<string>, functions: ReadonlyMap<string, number> = ELEMENTARY): MathNode {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`expression longer than ${MAX_EXPRESSION_LENGTH} characters (got ${text.length})`)
  }
  if (text.trim() === '') throw new ExpressionError('empty expression')
  // Cheap pre-check so that mathjs' recursive parser never sees pathological nesting.
  let depth = 0
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    if (depth > MAX_DEPTH) throw new ExpressionError(`${NESTED} (parentheses)`)
  }
  let node: MathNode
  try {
    // Parsing only builds a tree: nothing the text names is looked up or run (we never call
    // mathjs' evaluate or compile).
    node = math().parse(text)
  } catch (e) {
    throw new ExpressionError(`cannot parse expression (${quote(e instanceof Error ? e.message : String(e), 100)})`)
  }
  checkNode(node, symbols, functions, 0)
  // mathjs reads 0x10, 0b101, 0o17 (and 0xffi8 = -1): a schedule writes its numbers in decimal.
  const literal = /(?<![\w.])0[xbo][\w.]*/i.exec(text)
  if (literal) throw new ExpressionError(`numbers must be written in decimal (got '${quote(literal[0], 40)}')`)
  return node
}

const NESTED = `nested deeper than ${MAX_DEPTH} levels`

/**
 * Text (the user's, or mathjs' quoting it) made fit for a one-line message: control, invisible
 * and bidirectional characters escaped as \u0000 or \u{e0001}, at most `max` characters.
 */
function quote(text: string, max: number): string {
  const escaped = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const hex = c.codePointAt(0)!.toString(16)
    return hex.length <= 4 ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`
  })
  const chars = [...escaped]
  return chars.length > max ? `${chars.slice(0, max).join('')}...` : escaped
}

function checkNode(node: MathNode, symbols: ReadonlySet<string>, functions: ReadonlyMap<string, number>, depth: number): void {
  if (depth > MAX_DEPTH) throw new ExpressionError(`${NESTED} (parentheses, operators, function calls)`)
  const n = node as MathNode & Record<string, unknown>
  switch (node.type) {
    case 'ConstantNode': {
      const v = n.value
      if (typeof v === 'string') throw new ExpressionError(`strings are not allowed (got "${quote(v, 40)}")`)
      if (typeof v !== 'number') throw new ExpressionError(`only numbers are allowed, not ${quote(String(v), 40)}`)
      if (!Number.isFinite(v)) throw new ExpressionError(`only finite numbers are allowed, not ${String(v)}`)
      return
    }
    case 'SymbolNode': {
      const name = n.name as string
      if (functions.has(name) && !symbols.has(name)) throw new ExpressionError(`${name} is a function: write ${name}(...)`)
      if (!symbols.has(name) && !CONSTANTS.has(name)) {
        const allowed = [...symbols, ...CONSTANTS].join(', ')
        throw new ExpressionError(`unknown symbol '${quote(name, 40)}' (allowed: ${allowed})`)
      }
      return
    }
    case 'ParenthesisNode':
      checkNode(n.content as MathNode, symbols, functions, depth + 1)
      return
    case 'OperatorNode': {
      const fn = n.fn as string
      if (!OPERATORS.has(fn)) throw new ExpressionError(`operator '${quote(n.op as string, 20)}' is not allowed`)
      for (const arg of n.args as MathNode[]) checkNode(arg, symbols, functions, depth + 1)
      return
    }
    case 'FunctionNode': {
      const fnNode = n.fn as MathNode & { name?: string }
      const name = fnNode.type === 'SymbolNode' ? (fnNode.name ?? '') : ''
      const arity = functions.get(name)
      if (arity === undefined) {
        throw new ExpressionError(`function '${quote(name || fnNode.toString(), 40)}' is not allowed (allowed: ${[...functions.keys()].join(', ')})`)
      }
      const args = n.args as MathNode[]
      if (args.length !== arity) throw new ExpressionError(`${name} takes exactly ${arity === 1 ? 'one argument' : `${arity} arguments`}`)
      for (const arg of args) checkNode(arg, symbols, functions, depth + 1)
      return
    }
    default:
      throw new ExpressionError(`${describe(node.type)} is not allowed`)
  }
}

function describe(type: string): string {
  const names: Record<string, string> = {
    AssignmentNode: 'assignment',
    FunctionAssignmentNode: 'function definition',
    AccessorNode: 'property access',
    ArrayNode: 'matrix',
    ObjectNode: 'object',
    IndexNode: 'indexing',
    RangeNode: 'range',
    ConditionalNode: 'conditional',
    BlockNode: 'more than one statement',
    RelationalNode: 'comparison',
  }
  return names[type] ?? type
}
