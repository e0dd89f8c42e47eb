/**
 * The whitelist every expression passes before anything is done with it: the equation files and,
 * above all, user schedules given on the command line. Only numbers, known symbols, arithmetic
 * (+ - * / ^, unary minus), parentheses and elementary functions of one argument are allowed. The
 * tree is never handed to mathjs' evaluator; we compile it ourselves (codegen.ts), so an
 * expression can never run code.
 */
import { math, type MathNode } from './mathjs.js'

export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set([
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'exp', 'log', 'sqrt', 'abs',
])
export const CONSTANTS: ReadonlySet<string> = new Set(['pi', 'e'])
const OPERATORS: ReadonlySet<string> = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus'])

/** Longest expression accepted, in characters (a schedule is a short formula). */
export const MAX_EXPRESSION_LENGTH = 2000
/** Deepest nesting accepted (parentheses, operators, function calls). */
export const MAX_DEPTH = 200

/** Why an expression was refused (a plain message, the caller adds the flag). */
export class ExpressionError extends Error {}

/**
 * Parse `text` and check it against the whitelist, with `symbols` the free names allowed besides
 * pi and e. Throws ExpressionError with a one-line reason.
 */
export function parseWhitelisted(text: string, symbols: ReadonlySet<string>): MathNode {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`)
  }
  if (text.trim() === '') throw new ExpressionError('empty expression')
  // Cheap pre-check so that mathjs' recursive parser never sees pathological nesting.
  let depth = 0
  for (const ch of text) {
    if (ch === '(' || ch === '[' || ch === '{') depth++
    else if (ch === ')' || ch === ']' || ch === '}') depth--
    if (depth > MAX_DEPTH) throw new ExpressionError(`nested deeper than ${MAX_DEPTH} levels`)
  }
  let node: MathNode
  try {
    node = math().parse(text)
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e)
    throw new ExpressionError(`cannot parse expression (${msg})`)
  }
  checkNode(node, symbols, 0)
  return node
}

function checkNode(node: MathNode, symbols: ReadonlySet<string>, depth: number): void {
  if (depth > MAX_DEPTH) throw new ExpressionError(`nested deeper than ${MAX_DEPTH} levels`)
  const n = node as MathNode & Record<string, unknown>
  switch (node.type) {
    case 'ConstantNode': {
      const v = n.value
      if (typeof v !== 'number') throw new ExpressionError(`only numbers are allowed, not ${JSON.stringify(v)}`)
      if (!Number.isFinite(v)) throw new ExpressionError(`only finite numbers are allowed, not ${String(v)}`)
      return
    }
    case 'SymbolNode': {
      const name = n.name as string
      if (!symbols.has(name) && !CONSTANTS.has(name)) {
        const allowed = [...symbols, ...CONSTANTS].join(', ')
        throw new ExpressionError(`unknown symbol '${name}' (allowed: ${allowed})`)
      }
      return
    }
    case 'ParenthesisNode':
      checkNode(n.content as MathNode, symbols, depth + 1)
      return
    case 'OperatorNode': {
      const fn = n.fn as string
      if (!OPERATORS.has(fn)) throw new ExpressionError(`operator '${n.op as string}' is not allowed`)
      for (const arg of n.args as MathNode[]) checkNode(arg, symbols, depth + 1)
      return
    }
    case 'FunctionNode': {
      const fnNode = n.fn as MathNode & { name?: string }
      const name = fnNode.type === 'SymbolNode' ? fnNode.name ?? '' : ''
      if (!ALLOWED_FUNCTIONS.has(name)) {
        throw new ExpressionError(`function '${name || fnNode.toString()}' is not allowed (allowed: ${[...ALLOWED_FUNCTIONS].join(', ')})`)
      }
      const args = n.args as MathNode[]
      if (args.length !== 1) throw new ExpressionError(`${name} takes exactly one argument`)
      checkNode(args[0], symbols, depth + 1)
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
    BlockNode: 'multiple statements',
    RelationalNode: 'comparison',
  }
  return names[type] ?? type
}
