/**
 * A small but ordinary Spring MVC app (Thymeleaf, Spring Data JPA on H2, forms that redirect),
 * with the starter as a plain dependency: its own tests run under every worker class.
 */
package dev.workerclass.realapp;
