package dev.workerclass.autoconfigure;

import dev.workerclass.workers.WorkerClass;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The worker class needs a web stack the application does not run: the servlet classes need Spring
 * MVC on a servlet container, {@code reactive} needs Spring WebFlux. The starter brings neither, so
 * the app's own dependencies decide; {@link MissingWebStackFailureAnalyzer} says which starter to add.
 */
public final class MissingWebStackException extends RuntimeException {

	private final String workerClass;

	private final String action;

	private MissingWebStackException(String workerClass, String description, String action) {
		super(description);
		this.workerClass = workerClass;
		this.action = action;
	}

	/**
	 * @param workerClass the class as the user named it
	 * @param resolved the class it resolved to
	 */
	public static MissingWebStackException forClass(String workerClass, WorkerClass resolved,
			@Nullable ClassLoader classLoader) {
		String property = "server.worker-class=" + workerClass;
		if (resolved.isServlet()) {
			if (!ClassUtils.isPresent("org.springframework.web.servlet.DispatcherServlet", classLoader)) {
				return new MissingWebStackException(workerClass, property + " runs Spring MVC on a servlet container,"
						+ " but Spring MVC is not on the class path: the application runs Spring WebFlux.",
						"Add spring-boot-starter-web to your dependencies (Tomcat; or spring-boot-starter-jetty"
								+ " for Jetty), or set server.worker-class=reactive to serve this WebFlux application"
								+ " on event loops.");
			}
			return new MissingWebStackException(workerClass, property + " runs Spring MVC, but the application was"
					+ " started as a reactive one (spring.main.web-application-type=reactive).",
					"Remove spring.main.web-application-type, or set server.worker-class=reactive.");
		}
		if (!ClassUtils.isPresent("org.springframework.web.reactive.DispatcherHandler", classLoader)) {
			return new MissingWebStackException(workerClass, property + " runs Spring WebFlux on event loops, but"
					+ " Spring WebFlux is not on the class path: the application runs Spring MVC.",
					"Add spring-boot-starter-webflux to your dependencies (its controllers must then be ones WebFlux"
							+ " can run), or choose a servlet class, which serves Spring MVC unchanged:"
							+ " server.worker-class=sync, thread or virtual.");
		}
		return new MissingWebStackException(workerClass, property + " runs Spring WebFlux, but the application was"
				+ " started as a servlet one (spring.main.web-application-type=servlet).",
				"Remove spring.main.web-application-type, or choose a servlet class: sync, thread or virtual.");
	}

	String getWorkerClass() {
		return this.workerClass;
	}

	String getAction() {
		return this.action;
	}

}
