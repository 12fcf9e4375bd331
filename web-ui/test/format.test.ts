import { describe, expect, it } from 'vitest';
import { between, duration, isTerminal, normState, stateClass } from '../src/format';

describe('states', () => {
  it.each([
    ['success', 'ok', true], ['Succeeded', 'ok', true], ['Approved', 'ok', true], ['passed', 'ok', true],
    ['failed', 'bad', true], ['TimedOut', 'bad', true], ['invalid_config', 'bad', true], ['error', 'bad', true],
    ['running', 'run', false], ['Admitted', 'run', false], ['on_hold', 'hold', false], ['OnHold', 'hold', false],
    ['canceled', 'off', true], ['NotRun', 'off', true], ['filtered', 'off', true],
    ['Queued', 'wait', false], ['Blocked', 'wait', false], ['pending', 'wait', false], [null, 'wait', false],
  ])('%s is %s (terminal %s)', (state, cls, terminal) => {
    expect(stateClass(state)).toBe(cls);
    expect(isTerminal(state)).toBe(terminal);
  });

  it('reads run statuses and phases alike', () => {
    expect(normState('on_hold')).toBe(normState('OnHold'));
    expect(normState('success')).toBe(normState('Succeeded'));
  });
});

describe('durations', () => {
  it.each([[0, '0ms'], [31, '31ms'], [59_400, '59s'], [65_000, '1m 05s'], [3_720_000, '1h 02m'], [null, ''], [-1, '']])('%s ms', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });

  it('measures between two times or until now', () => {
    expect(between('2026-12-01T10:00:00Z', '2026-12-01T10:01:30Z')).toBe(90_000);
    expect(between('2026-12-01T10:00:00Z', null, Date.parse('2026-12-01T10:00:05Z'))).toBe(5_000);
    expect(between(null, null)).toBeNull();
  });
});
