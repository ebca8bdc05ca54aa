/**
 * Thin Spark entry points: each job validates its inputs on the driver, then runs named steps over the
 * library packages. Everything executor-side lives in small serializable functions here.
 */
package org.fsqspark.jobs;
