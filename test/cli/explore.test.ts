// flowgm explore: serves the report's explorer.html on 127.0.0.1 until SIGINT, then exits 0. The
// expected page is explorerHtml with the build's script, the two calls `flowgm report` makes
// (test/e2e/explorer.test.ts checks what the page shows); a taken or invalid port is refused with
// exit 2 and one line naming --port.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { explorerHtml, explorerScript } from '../../src/explorer/html.js'
import { BIN, requireBuild, ROOT, spawnCli } from './run.js'

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** flowgm explore --port 0: its URL (from its first line), then what `during` does, then SIGINT; its exit code and output. */
function served(during: (url: string) => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  requireBuild()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'explore', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = '',
      stderr = '',
      started = false
    child.stderr.on('data', (b: Buffer) => (stderr += b))
    child.stdout.on('data', (b: Buffer) => {
      stdout += b
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0]
      if (url === undefined || started) return
      started = true
      during(url).then(
        () => child.kill('SIGINT'),
        (e: unknown) => {
          child.kill('SIGKILL')
          reject(e)
        },
      )
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('flowgm explore', () => {
  it('serves explorer.html at / and /explorer.html, 404 elsewhere, and exits 0 on SIGINT', async () => {
    const want = explorerHtml({ version: VERSION, script: await explorerScript() })
    const r = await served(async (url) => {
      for (const path of ['', 'explorer.html']) {
        const page = await fetch(`${url}${path}`)
        expect(page.status).toBe(200)
        expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
        expect(await page.text()).toBe(want)
      }
      const head = await fetch(url, { method: 'HEAD' })
      expect(head.status).toBe(200)
      expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(want))
      expect((await fetch(`${url}report.html`)).status).toBe(404)
      expect((await fetch(url, { method: 'POST' })).status).toBe(404)
    })
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^flowgm explorer: http:\/\/127\.0\.0\.1:\d+\/ /)
  }, 30_000)

  it('refuses a port out of range, or taken, with exit 2 and one line naming --port', async () => {
    const bad = await spawnCli(['explore', '--port', '70000'])
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([2, '', 'flowgm: --port: must be an integer in [0, 65535] (got 70000)\n'])
    const taken = createServer()
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done))
    try {
      const port = (taken.address() as AddressInfo).port
      const r = await spawnCli(['explore', '--port', String(port)])
      expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `flowgm: --port: ${port} is in use on 127.0.0.1: choose another port, or 0 for any free one\n`])
    } finally {
      taken.close()
    }
  }, 30_000)
})
