/**
 * Money is integer minor units plus an ISO 4217 currency (ARCHITECTURE rule 8). No float ever
 * touches an amount: decimal strings are parsed digit by digit and proration uses BigInt.
 */
export interface Money {
  /** Integer amount in the currency's minor unit (cents; yen have none). */
  minor: number;
  currency: string;
}

/** Minor-unit exponent per currency; ISO 4217. Anything not listed here is refused. */
const EXPONENTS: Record<string, number> = {
  AUD: 2, BRL: 2, CAD: 2, CHF: 2, CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 2, IDR: 2,
  ILS: 2, INR: 2, JPY: 0, KRW: 0, MXN: 2, MYR: 2, NOK: 2, NZD: 2, PLN: 2, RON: 2, SAR: 2, SEK: 2,
  SGD: 2, THB: 2, TRY: 2, TWD: 2, USD: 2, ZAR: 2, AED: 2, CLP: 0, COP: 2, ARS: 2, PEN: 2, VND: 0,
};

export function isSupportedCurrency(currency: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXPONENTS, currency);
}

export function currencyExponent(currency: string): number {
  const exponent = EXPONENTS[currency];
  if (exponent === undefined) throw new RangeError(`unsupported currency ${currency}`);
  return exponent;
}

export function money(minor: number, currency: string): Money {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`money must be an integer of minor units, got ${minor}`);
  currencyExponent(currency);
  return { minor, currency };
}

/** Parses "12.34" (at most the currency's decimals) into minor units; null when malformed. */
export function parseDecimalAmount(text: string, currency: string): Money | null {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) return null;
  const minor = BigInt(whole + fraction.padEnd(exponent, '0')) * (sign ? -1n : 1n);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || -minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { minor: Number(minor), currency };
}

/** Formats minor units as the API's decimal string: 1234 EUR -> "12.34", 1234 JPY -> "1234". */
export function formatDecimalAmount(amount: Money): string {
  const exponent = currencyExponent(amount.currency);
  const negative = amount.minor < 0;
  const digits = Math.abs(amount.minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function toApiMoney(amount: Money): { amount: string; currency: string } {
  return { amount: formatDecimalAmount(amount), currency: amount.currency };
}

/**
 * The one place where money is rounded: amount * numerator / denominator, half away from zero.
 * Used for proration (days used / days in term) and percentage discounts.
 */
export function prorate(amount: Money, numerator: number, denominator: number): Money {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError('proration needs integer numerator and positive integer denominator');
  }
  const product = BigInt(amount.minor) * BigInt(numerator);
  const d = BigInt(denominator);
  const quotient = product / d;
  const remainder = product % d;
  const absRemainderTwice = (remainder < 0n ? -remainder : remainder) * 2n;
  const roundAway = absRemainderTwice >= d ? (product < 0n ? -1n : 1n) : 0n;
  return { minor: Number(quotient + roundAway), currency: amount.currency };
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new RangeError(`cannot add ${a.currency} and ${b.currency}`);
  return money(a.minor + b.minor, a.currency);
}

export function multiplyMoney(a: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) throw new RangeError('factor must be an integer');
  return money(a.minor * factor, a.currency);
}
