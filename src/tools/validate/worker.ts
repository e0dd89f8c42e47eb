/** The worker thread of `npm run validate`: runs the finite-d simulations of table 5 and sends back their figures. */
import { parentPort, workerData } from 'node:worker_threads'
import { runSimulations } from './simulation.js'

const { quick } = workerData as { quick: boolean }
parentPort!.postMessage(await runSimulations(quick))
