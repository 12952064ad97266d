/** Quotes a price: the list price less the stage's discount, in the stage's currency. */
export async function quote(event) {
  const discount = Number(process.env.DISCOUNT ?? 0);
  return {
    item: event.item,
    price: Math.round(event.listPrice * (100 - discount)) / 100,
    currency: process.env.CURRENCY,
  };
}
