// The fuzz judge (harness.ts `violations`, with documents.ts and plausible.ts) catches what it
// is meant to: planted defects in outcomes built by hand (a cosine of 1.5, a stack trace on
// stdout, a NaN in a csv cell, a broken identity, an unknown key, a value with the wrong digits,
// a V8 fatal report, a case over its budget) and, end to end, a planted 256 MiB allocation in the
// runner. The valid documents are the examples of docs/cli.md, copied, not produced by the code.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requireBuild } from '../cli/run.js'
import { rangeValues, requestOf } from './argv.js'
import { budgetOf } from './budget.js'
import { Runner, violations, type Outcome } from './harness.js'
import { significant } from './plausible.js'

/** docs/cli.md, Examples: `flowgm stats --n 8 --sigma 1.5 --lambda 0.1 --json`. */
const STATS_JSON = `{
  "t": 1,
  "M": 0.987654320988,
  "Q_xi": -0.1857638903,
  "P": 1.50468751143,
  "norm": 3.78995977082,
  "cos": 0.799549676294,
  "cos_sample": 0.507326640124,
  "mse": 0.550566621801,
  "var": 2.26408450704,
  "M_mu": 0.987654320988,
  "Q_eta": 0.185185185185,
  "weight_error": 0,
  "w2": 0.550588594564,
  "kl": 0.122357893702,
  "kl_reverse": 0.121596745032,
  "dist_train": 4.50909557329,
  "dist_fresh": 5.06465112884,
  "mem_gap": -0.555555555556
}
`
const STATS_ARGV = ['stats', '--n', '8', '--sigma', '1.5', '--lambda', '0.1', '--json']

/** docs/cli.md, Examples: `flowgm curves --points 5 --alpha '1-t^2' --beta 't^2' --format csv`. */
const CURVES_CSV = `t,c,m,q_xi,w_norm2,w_cos,test_mse,oracle_mse,margin,m_mu,q_eta,M,Q_xi,P,norm,cos,cos_sample,mse,var,M_mu,Q_eta,weight_error,w2,kl,kl_reverse,dist_train,dist_fresh,mem_gap
0,0,0.987654320988,0,1.24980948026,0.883452208599,2.52450083829,2.25,0,0.987654320988,0.185185185185,0,0,1,1,0.883452208599,0,1,1,0,0,0,1.25,0.349909552553,0.719534891892,4.25,4.25,0
0.25,0.159397610895,0.97781496229,-0.0184487975573,1.22775430629,0.88247202212,2.49950522779,2.22772277228,0.0610058410672,0.97781496229,0.183340305429,0.0617283950617,-0.000580868657822,0.942205036128,0.892635097655,0.88320808203,0.0653353175115,0.881427977426,0.887750330106,0.0617283950617,0.0115740740741,0,1.19256319915,0.358148210772,0.79868983092,3.98445608531,4.01917830753,-0.0347222222222
0.5,0.804001250391,0.789135493731,-0.0744445602214,0.842214938063,0.859884474081,2.01958866995,1.8,0.19693654267,0.789135493731,0.147962905075,0.246913580247,-0.0109938550573,0.839050225964,0.783085292999,0.878034570234,0.279023282123,0.585252850815,0.70400528169,0.246913580247,0.0462962962963,0,1.02210745461,0.367451625557,0.932708974117,3.40036924362,3.5392581325,-0.138888888889
0.75,1.40293034743,0.208248572416,-0.0757755588889,0.101500050863,0.653655474709,0.534899205036,0.476756756757,0.116933589903,0.208248572416,0.0390466073279,0.555555555556,-0.0636139732301,0.952773183164,1.33559817014,0.849368648708,0.480717117873,0.316710320474,0.907776738556,0.555555555556,0.104166666667,0,0.616167509539,0.225951750079,0.459890838355,3.16198705903,3.47448705903,-0.3125
1,1,0,0,0,0,0,0,0,0,0,0.987654320988,-0.1857638903,1.50468751143,3.78995977082,0.799549676294,0.507326640124,0.550566621801,2.26408450704,0.987654320988,0.185185185185,0,0.550588594564,0.122357893702,0.121596745032,4.50909557329,5.06465112884,-0.555555555556
`
const CURVES_ARGV = ['curves', '--points', '5', '--alpha', '1-t^2', '--beta', 't^2', '--format', 'csv']

/** An outcome of exit 0 printing `stdout`. */
const ok = (argv: string[], stdout: string, extra: Partial<Outcome> = {}): Outcome => ({ argv, code: 0, stdout, stderr: '', files: {}, ms: 5, bytes: 0, ...extra })

describe('the judge accepts the documented examples', () => {
  it('stats --json and curves --format csv of docs/cli.md', () => {
    expect(violations(ok(STATS_ARGV, STATS_JSON))).toEqual([])
    expect(violations(ok(CURVES_ARGV, CURVES_CSV))).toEqual([])
  })
})

describe('the judge catches planted defects', () => {
  const problems = (o: Outcome) => violations(o).join('\n')

  it('a cosine of 1.5 (docs/cli.md: a cosine lies in [-1, 1])', () => {
    expect(problems(ok(STATS_ARGV, STATS_JSON.replace('"cos": 0.799549676294', '"cos": 1.5')))).toMatch(/cos = 1\.5 outside \[-1, 1\]/)
  })

  it('a negative squared error, and a positive Q_xi of the theory', () => {
    expect(problems(ok(STATS_ARGV, STATS_JSON.replace('"mse": 0.550566621801', '"mse": -0.550566621801')))).toMatch(/mse = -0\.55\d* outside \[0, inf\]/)
    expect(problems(ok(STATS_ARGV, STATS_JSON.replace('-0.1857638903', '0.1857638903')))).toMatch(/Q_xi = 0\.1857638903 outside \[-inf, 0\]/)
  })

  it('a stack trace on stdout of a successful run, and an error name on stderr of a refusal', () => {
    expect(problems(ok(STATS_ARGV, `${STATS_JSON}Error: boom\n    at main (dist/cli/main.js:1:1)\n`))).toMatch(/stack frame on stdout/)
    const refusal: Outcome = { argv: ['stats', '--n', 'x'], code: 2, stdout: '', stderr: 'flowgm: --n: TypeError: x.map is not a function\n', files: {}, ms: 1 }
    expect(problems(refusal)).toMatch(/error name .* on stderr/)
    expect(problems({ ...refusal, stderr: 'flowgm: --n: bad at node:internal/process\n' })).toMatch(/node:internal on stderr/)
  })

  it('a NaN, and a word, in a csv cell', () => {
    const nan = CURVES_CSV.replace('0.88247202212', 'NaN')
    expect(problems(ok(CURVES_ARGV, nan))).toMatch(/'NaN' printed/)
    expect(problems(ok(CURVES_ARGV, CURVES_CSV.replace('0.88247202212', 'null')))).toMatch(/w_cos = "null" is not a finite decimal number/)
  })

  it('an infinite kl printed null is accepted only where the note names it (equations/flow.eq [infinite]; the validate fuzz refused it)', () => {
    const [head, ...lines] = CURVES_CSV.trim().split('\n')
    const keys = head.split(',')
    // (As the table format prints it: null.)
    const blank = (line: string) => line.split(',').map((v, j) => (keys[j] === 'kl' || keys[j] === 'kl_reverse' ? 'null' : v))
    const withNote = [`${head},note`, ...lines.map((l, i) => (i === lines.length - 1 ? `${blank(l).join(',')},kl and kl_reverse infinite` : `${l},`))].join('\n') + '\n'
    expect(problems(ok(CURVES_ARGV, withNote))).not.toMatch(/kl/)
    expect(problems(ok(CURVES_ARGV, withNote.replace('kl and kl_reverse infinite', 'kl_reverse infinite')))).toMatch(/kl = "null" is not a finite decimal number/)
  })

  it('an identity broken: var is not P^2, n_mse is not n mse', () => {
    expect(problems(ok(STATS_ARGV, STATS_JSON.replace('2.26408450704', '2.26408450804')))).toMatch(/var = 2\.26408450804, but var = P\^2/)
    // docs/theory.md: `compare --n 8 --json` prints mse = 0.550566621801 and bo_mse = 0.219512195122; n_mse = 8 mse = 4.40453297441.
    const row = {
      n: 8,
      mse: 0.550566621801,
      cos: 0.799549676294,
      bo_mse: 0.219512195122,
      bo_cos: 0.883452208599,
      pca_mse: 0.233095582802,
      pca_cos: 0.883452208599,
      mse_ratio: 2.50813683265,
      n_mse: 4.40453297441,
      n_bo_mse: 1.75609756098,
      w2: 0.550588594564,
      kl: 0.122357893702,
    }
    const argv = ['compare', '--n', '8', '--json']
    expect(violations(ok(argv, `${JSON.stringify([row])}\n`))).toEqual([])
    expect(problems(ok(argv, `${JSON.stringify([{ ...row, n_mse: 4.40463297441 }])}\n`))).toMatch(/n_mse = 4\.40463297441, but n_mse = n mse/)
  })

  it('an unknown key, a missing key, a row at a time not asked for', () => {
    expect(problems(ok(STATS_ARGV, STATS_JSON.replace('"t": 1,', '"t": 1,\n  "extra": 1,')))).toMatch(/unknown key "extra"/)
    expect(problems(ok(STATS_ARGV, STATS_JSON.replace('  "mse": 0.550566621801,\n', '')))).toMatch(/key mse missing/)
    expect(problems(ok([...STATS_ARGV, '--t', '0.5'], STATS_JSON))).toMatch(/t = 1 is not a requested value \(0\.5\)/)
  })

  it('under --digits 5, a value of 6 digits, and digits_verified below D + 2', () => {
    // docs/cli.md, arbitrary precision: exactly D significant digits, digits_verified >= D + 2.
    const doc = (mse: string, dv: number) =>
      `{"t":"1","M":"0.98765","Q_xi":"-0.18576","P":"1.5047","norm":"3.7900","cos":"0.79955","cos_sample":"0.50733","mse":"${mse}","var":"2.2641","M_mu":"0.98765","Q_eta":"0.18519","weight_error":"0","w2":"0.55059","kl":"0.12236","kl_reverse":"0.12160","dist_train":"4.5091","dist_fresh":"5.0647","mem_gap":"-0.55556","digits_verified":${dv}}\n`
    const argv = ['stats', '--digits', '5', '--json']
    expect(violations(ok(argv, doc('0.55057', 14)))).toEqual([])
    expect(problems(ok(argv, doc('0.550567', 14)))).toMatch(/mse = 0\.550567 has 6 significant digits, not 5/)
    expect(problems(ok(argv, doc('0.55057', 6)))).toMatch(/digits_verified = 6, not an integer >= D \+ 2 = 7/)
  })

  it('a runner killed by V8 (out of memory), a case over its time or memory budget', () => {
    const died: Outcome = {
      argv: ['stats'],
      code: -2,
      stdout: '',
      stderr: '',
      files: {},
      ms: 0,
      thrown: 'the runner process died (exit null, signal SIGABRT): FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    }
    expect(problems(died)).toMatch(/V8 fatal report/)
    expect(problems(ok(STATS_ARGV, STATS_JSON, { ms: budgetOf(STATS_ARGV).ms + 1 }))).toMatch(/over the budget of 30\.0 s/)
    expect(problems(ok(STATS_ARGV, STATS_JSON, { bytes: 2 * 2 ** 30 }))).toMatch(/memory grew by 2048 MiB, over the budget of 1536 MiB/)
  })
})

describe('the judge reads what was asked', () => {
  it('ranges as docs/cli.md describes them', () => {
    // docs/cli.md, the sweep flags: 2:1024:log is 2, 4, ..., 1024; 0.5:2:lin:4 is 0.5, 1, 1.5, 2; 2:4:log:5 is 2, 3, 4 for n.
    expect(rangeValues('2:1024:log', true)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])
    expect(rangeValues('0.5:2:lin:4', false)).toEqual([0.5, 1, 1.5, 2])
    expect([...new Set(rangeValues('2:4:log:5', true))]).toEqual([2, 3, 4])
    expect(requestOf(['dae-compare', '--points', '3']).grid).toMatchObject({ n: [2, 8, 32, 128], t: [0, 0.5, 1], sigma: [1.5] })
  })

  it('significant digits: trailing zeros after a point count, those of an integer may not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.double({ min: 1e-30, max: 1e30, noNaN: true }), (d, x) => {
        const [least, most] = significant(x.toPrecision(d))
        return least <= d && d <= most
      }),
      { numRuns: 200 },
    )
    expect(significant('4349618635330000000')).toEqual([12, 19])
    expect(significant('1.0000')).toEqual([5, 5])
    expect(significant('-0.00120')).toEqual([3, 3])
  })
})

describe('the runner measures a case', () => {
  const runner = new Runner()
  beforeAll(requireBuild)
  afterAll(() => runner.close())

  it('a planted allocation of 256 MiB is seen as memory growth, and fails a budget below it', async () => {
    const size = 256 * 2 ** 20
    const o = await runner.run(['stats', '--json'], { allocate: size })
    expect(o.code, o.stderr).toBe(0)
    expect(o.bytes).toBeGreaterThanOrEqual(size)
    expect(violations(o, { ms: 30_000, bytes: size / 2 }).join('\n')).toMatch(/memory grew by \d+ MiB, over the budget of 128 MiB/)
    // Without the plant, the same case stays far below it.
    const plain = await runner.run(['stats', '--json'])
    expect(plain.bytes).toBeLessThan(size / 2)
    expect(violations(plain)).toEqual([])
  }, 60_000)
})
