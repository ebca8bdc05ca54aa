/**
 * Thin entry points: each job validates its inputs on the driver, then runs named steps over the library
 * packages. Everything executor-side lives in small serializable functions here. Most jobs are Spark jobs;
 * {@code PriorSampleJob} runs on one machine.
 */
package org.fsqspark.jobs;
