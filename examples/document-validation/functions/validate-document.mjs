/**
 * Decides whether a document is valid: every required field present and non-empty, a known type,
 * and an issue date that is a real date, not in the future. Returns the verdict
 * `{ documentId, valid, errors }`; the state machine's Choice state acts on `valid`.
 */
const REQUIRED = ['documentId', 'type', 'holder', 'issuedAt'];
const TYPES = ['invoice', 'contract', 'receipt'];

export const handler = async (document) => {
  const errors = [];
  for (const field of REQUIRED) {
    const value = document?.[field];
    if (value === undefined || value === null || String(value).trim() === '') errors.push(`${field} is required`);
  }
  if (document?.type && !TYPES.includes(document.type)) errors.push(`type must be one of ${TYPES.join(', ')}`);
  if (document?.issuedAt) {
    const issued = new Date(document.issuedAt);
    if (Number.isNaN(issued.getTime())) errors.push('issuedAt is not a date');
    else if (issued.getTime() > Date.now()) errors.push('issuedAt is in the future');
  }
  return { documentId: document?.documentId ?? null, valid: errors.length === 0, errors };
};
