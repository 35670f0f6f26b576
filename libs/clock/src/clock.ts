/** The only source of "now" (ARCHITECTURE rule 7). Deciders never read it; handlers pass it in. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock tests move by hand; it stands still unless told. */
export class ControllableClock extends Clock {
  private current: Date;

  constructor(start: Date = new Date()) {
    super();
    this.current = new Date(start.getTime());
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(instant: Date): void {
    this.current = new Date(instant.getTime());
  }

  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number }): Date {
    const ms = (((by.days ?? 0) * 24 + (by.hours ?? 0)) * 60 + (by.minutes ?? 0)) * 60_000 + (by.seconds ?? 0) * 1000;
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}
