/** Validates an order: every line has a quantity; the total is computed. */
export const validate = async (event) => {
  const lines = event.lines ?? [];
  if (lines.some((line) => !(line.quantity > 0))) throw new Error('every line needs a quantity');
  return { id: event.id, total: lines.reduce((sum, line) => sum + line.quantity * line.price, 0) };
};
