/** Now, in the Unix seconds every timestamp of the API uses. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);
