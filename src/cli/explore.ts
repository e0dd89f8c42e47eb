/**
 * `flowgm explore [--port P]`: serves explorer.html, the page `flowgm report` writes beside
 * report.html (src/explorer), on http://127.0.0.1:P/ until Ctrl+C (SIGINT) or SIGTERM stops it,
 * then exits 0. The page computes everything itself; the server only hands it out, to this
 * machine alone (the file works as well opened from disk). main.ts loads this module only for
 * this command.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Argv } from 'yargs'
import { ParameterError } from '../errors.js'
import { explorerHtml, explorerScript } from '../explorer/html.js'
import { integer } from '../text.js'
import { VERSION } from '../version.js'
import type { Args } from './common.js'

export const DEFAULT_PORT = 8080
const HOST = '127.0.0.1'

export function exploreOptions<T>(y: Argv<T>): Argv<T> {
  return y.option('port', { type: 'string', describe: `TCP port on ${HOST}, an integer in [0, 65535] (0: any free port) [default: ${DEFAULT_PORT}]` })
}

/** Listen on `port`, or refuse it (naming --port) when it is taken or not allowed. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new ParameterError('port', `${port} is in use on ${HOST}: choose another port, or 0 for any free one`))
      else if (e.code === 'EACCES') reject(new ParameterError('port', `${port} needs privileges this user lacks: choose a port above 1023, or 0 for any free one`))
      else reject(e)
    })
    server.listen(port, HOST, () => resolve((server.address() as AddressInfo).port))
  })
}

export async function exploreCommand(a: Args): Promise<void> {
  const port = integer('port', a.port, 0, 65535) ?? DEFAULT_PORT
  const html = explorerHtml({ version: VERSION, script: await explorerScript() })
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', `http://${HOST}`).pathname
    if ((request.method === 'GET' || request.method === 'HEAD') && (path === '/' || path === '/explorer.html')) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' })
      response.end(request.method === 'HEAD' ? undefined : html)
      return
    }
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
    response.end('flowgm explore serves one page: / (explorer.html)\n')
  })
  const bound = await listen(server, port)
  process.stdout.write(`flowgm explorer: http://${HOST}:${bound}/ (the page explorer.html of flowgm report; Ctrl+C stops the server)\n`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      server.closeAllConnections()
      server.close(() => resolve())
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
}
