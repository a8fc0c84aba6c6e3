/** kubexpect: race-proof, watch-driven assertions for Kubernetes end-to-end specs. */
export {};
