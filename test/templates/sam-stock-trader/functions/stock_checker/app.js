/* global exports */
function getRandomInt(max) {
  return Math.floor(Math.random() * Math.floor(max));
}

/**
 * Sample Lambda function which mocks the operation of checking the current price of a stock.
 * For demonstration purposes this Lambda function simply returns a random integer between 0 and
 * 100 as the stock price, unless the input names one (so that a test knows which way it goes).
 */
exports.lambdaHandler = async (event, context) => {
  const stockPrice = typeof event.stock_price === 'number' ? event.stock_price : getRandomInt(100);
  return { stock_price: stockPrice, checked_by: context.functionName };
};
