// Vitest setup file: the AWS SDK's Node-version warning ("NodeVersionSupportWarning ... will require
// node >=22") is turned off in every test worker, and so in the CLI processes tests start (they
// inherit the environment), through the SDK's own switch that createAwsCloud already sets
// (src/cloud/aws/node-warning.ts). Tests that build SDK clients directly against moto printed it
// once per worker, 6 times a run. Only this warning: process.emitWarning is left alone, and
// node-warning.test.ts unsets the switch in its child to prove the warning exists and is silenced.
import { suppressSdkNodeVersionWarning } from '../../src/cloud/aws/node-warning.js';

suppressSdkNodeVersionWarning();
