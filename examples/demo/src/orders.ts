/** A small, realistic workload: order lifecycle events keyed by order id. */
export interface OrderEvent {
  type: "order.created" | "order.paid" | "order.shipped";
  orderId: string;
  customerId: string;
  totalCents: number;
  currency: "EUR" | "USD";
  at: string;
}

const TYPES: OrderEvent["type"][] = ["order.created", "order.paid", "order.shipped"];

/** `orders` orders, each going through created -> paid -> shipped, interleaved across orders. */
export function* orderEvents(orders: number, seed = 42): Generator<OrderEvent> {
  let state = seed;
  const random = () => {
    // A tiny deterministic generator, so every run prints comparable output.
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const base = Date.UTC(2026, 10, 26, 9, 0, 0);
  for (const type of TYPES) {
    for (let i = 0; i < orders; i++) {
      yield {
        type,
        orderId: `ord-${String(1000 + i)}`,
        customerId: `cus-${String(Math.floor(random() * 50)).padStart(3, "0")}`,
        totalCents: 500 + Math.floor(random() * 20_000),
        currency: random() < 0.7 ? "EUR" : "USD",
        at: new Date(base + (TYPES.indexOf(type) * orders + i) * 1000).toISOString(),
      };
    }
  }
}
