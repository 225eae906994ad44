import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock.js';
import { ClockScheduler } from './scheduler.js';

describe('ClockScheduler', () => {
  it('fires cron schedules in virtual time, never overlapping a task with itself', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 0, 0, 0));
    const scheduler = new ClockScheduler(clock);
    const fired: string[] = [];
    let slowRuns = 0;
    scheduler.schedule('every-5', '*/5 * * * *', async () => {
      fired.push(new Date(clock.now()).toISOString().slice(11, 16));
    });
    scheduler.schedule('slow', '* * * * *', async (signal) => {
      slowRuns++;
      await clock.sleep(150_000, signal); // runs for 2.5 minutes: the next two minutes' firings are skipped
    });
    await clock.advance(30 * 60_000);
    expect(fired).toEqual(['00:05', '00:10', '00:15', '00:20', '00:25', '00:30']);
    // Fires at 00:01, then 00:04 (00:02 and 00:03 were busy), 00:07, ... : 10 runs in 30 minutes.
    expect(slowRuns).toBe(10);
    await scheduler.stop();
  });

  it('honours the schedule time zone', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 6, 1, 0, 0, 0));
    const scheduler = new ClockScheduler(clock);
    const fired: number[] = [];
    scheduler.schedule(
      'brussels-8am',
      '0 8 * * *',
      async () => void fired.push(clock.now()),
      'Europe/Brussels',
    );
    await clock.advance(24 * 3600_000);
    expect(fired.map((t) => new Date(t).toISOString())).toEqual(['2026-07-01T06:00:00.000Z']); // CEST = UTC+2
    await scheduler.stop();
  });
});
