/** Renders statistics for people and programs (JSON, console tables, HTML with plots); computes nothing new. */
package org.fsqspark.report;
