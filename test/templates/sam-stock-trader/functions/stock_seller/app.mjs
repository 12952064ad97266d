import crypto from 'node:crypto';

function getRandomInt(max) {
  return Math.floor(Math.random() * Math.floor(max));
}

/**
 * Sample Lambda function which mocks the operation of selling a random number of shares for a stock.
 */
export const lambdaHandler = async (event) => {
  const stockPrice = event.stock_price;
  // Mocked result of a stock selling transaction
  return {
    id: crypto.randomUUID(),
    price: stockPrice.toString(),
    type: 'sell',
    qty: (getRandomInt(10) + 1).toString(),
    timestamp: new Date().toISOString(),
    table: process.env.TABLE_NAME,
    log_level: process.env.LOG_LEVEL,
  };
};
