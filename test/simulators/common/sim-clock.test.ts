import { describe, expect, it } from 'vitest'
import { SimClock } from '../../../src/simulators/common/sim-clock.js'

describe('SimClock', () => {
  it('follows real time plus an offset, and starts where asked', () => {
    let real = 1_000
    const clock = new SimClock(() => real)
    expect(clock.now()).toBe(1_000)
    real = 1_500
    expect(clock.now()).toBe(1_500)
    const started = new SimClock(() => real, 50_000)
    expect(started.now()).toBe(50_000)
    real = 1_600
    expect(started.now()).toBe(50_100)
    expect(new SimClock(() => real, 10).now()).toBe(10)
  })

  it('advances forward only', () => {
    let real = 0
    const clock = new SimClock(() => real)
    clock.advance(5_000)
    real = 10
    expect(clock.now()).toBe(5_010)
    expect(() => clock.advance(-1)).toThrow(RangeError)
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError)
  })

  it('freezes (advance still moves it) and unfreezes without a jump', () => {
    let real = 100
    const clock = new SimClock(() => real)
    clock.freeze()
    expect(clock.frozen).toBe(true)
    real = 900
    expect(clock.now()).toBe(100)
    clock.advance(50)
    expect(clock.now()).toBe(150)
    clock.unfreeze()
    expect(clock.frozen).toBe(false)
    expect(clock.now()).toBe(150)
    real = 1_000
    expect(clock.now()).toBe(250)
    clock.unfreeze()
    expect(clock.now()).toBe(250)
  })
})
