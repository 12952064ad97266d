// What `NodejsFunction` bundles (format ESM) into a cdk.out asset: one index.mjs.
var handler = async (event) => {
  const greeting = process.env.GREETING ?? 'Hello';
  return { message: `${greeting}, ${event.name}!`, region: process.env.AWS_REGION };
};
export { handler };
