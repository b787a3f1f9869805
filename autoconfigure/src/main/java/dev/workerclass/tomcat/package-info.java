/**
 * Tomcat adapter: hands the connector the workers' executor and shapes it after the class.
 */
@NullMarked
package dev.workerclass.tomcat;

import org.jspecify.annotations.NullMarked;
