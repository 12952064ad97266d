/** The region and account ARNs carry when none is configured (the library's and the server's). */
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
