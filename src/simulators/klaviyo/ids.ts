/**
 * Klaviyo-looking ids from the seeded generator, so a run replays with the same ids: profiles and
 * events get 26-character ULIDs (`01GDDKASAP8TKDDA2GRZDSVP4H`), metrics and accounts the short
 * 6-character alphanumeric ids Klaviyo uses for them.
 */
import { SeededRandom } from '../common/seeded-random.js'

const CROCKFORD = [...'0123456789ABCDEFGHJKMNPQRSTVWXYZ']
const ALPHANUMERIC = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789']

export class IdGenerator {
  #random: SeededRandom

  constructor(private readonly seed: number) {
    this.#random = new SeededRandom(seed)
  }

  /** A ULID: 48-bit millisecond timestamp then 80 random bits, Crockford base32. */
  ulid(atMs: number): string {
    let time = ''
    let t = Math.max(0, Math.floor(atMs))
    for (let i = 0; i < 10; i++) {
      time = CROCKFORD[t % 32] + time
      t = Math.floor(t / 32)
    }
    let tail = ''
    for (let i = 0; i < 16; i++) tail += this.#random.pick(CROCKFORD)
    return time + tail
  }

  /** A short id such as a metric's `Y6Hmxn`. */
  short(length = 6): string {
    let id = ''
    for (let i = 0; i < length; i++) id += this.#random.pick(ALPHANUMERIC)
    return id
  }

  /** Back to the first id of the sequence. */
  reset(): void {
    this.#random = new SeededRandom(this.seed)
  }
}
