import { describe, expect, it } from 'vitest';
import { calendarDays, occurrencesOn, shiftAnchor } from './calendar-range';

describe('the maintenance calendar', () => {
  it('shows a month as whole weeks from Monday, marking the days of other months', () => {
    const days = calendarDays('month', new Date(2027, 1, 14)); // February 2027 starts on a Monday
    expect(days).toHaveLength(28);
    expect(days[0]?.date.getDate()).toBe(1);
    const march = calendarDays('month', new Date(2027, 2, 1)); // March 2027: Monday 1st to Wednesday 31st
    expect(march).toHaveLength(35);
    expect(march.filter((d) => !d.inMonth).map((d) => d.date.getDate())).toEqual([1, 2, 3, 4]);
  });

  it('shows one week from Monday and moves by weeks or months', () => {
    const week = calendarDays('week', new Date(2027, 2, 31));
    expect(week.map((d) => d.date.getDate())).toEqual([29, 30, 31, 1, 2, 3, 4]);
    expect(shiftAnchor('month', new Date(2027, 0, 31), 1).getMonth()).toBe(1);
    expect(shiftAnchor('week', new Date(2027, 2, 31), -1).getDate()).toBe(24);
  });

  it('puts an occurrence on every day it touches', () => {
    const days = calendarDays('week', new Date(2027, 2, 31));
    const overnight = { start: new Date(2027, 2, 30, 23).getTime(), end: new Date(2027, 2, 31, 2).getTime() };
    expect(days.map((d) => occurrencesOn(d, [overnight]).length)).toEqual([0, 1, 1, 0, 0, 0, 0]);
  });
});
