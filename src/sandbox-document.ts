/**
 * The operation the Sandbox landing page opens with: the demo model `npm run seed` loads (its production and
 * staging versions with the run and data behind them, aliases, and the deployment's canary split).
 */
export const SANDBOX_DOCUMENT = `# Load the demo graph first: npm run seed
query DemoModel($name: String! = "fraud-detector") {
  model(name: $name) {
    name
    versioningScheme
    production: versionInStage(stage: PRODUCTION) {
      version
      metrics { key value }
      run { name params experiment { name } }
      datasets { role datasetVersion { version uri dataset { name } } }
    }
    staging: versionInStage(stage: STAGING) { version }
    aliases { name version { version } }
    deployments {
      name
      revision
      traffic { percent version { version } }
    }
  }
}
`;
