/** The version `mullama --version` prints and `serve`'s `/api/version` answers. */
export const VERSION = '0.1.0';
