package dev.workerclass.autoconfigure;

import dev.workerclass.workers.WorkerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says which model serves requests once the server is up, as gunicorn's "Using worker: gevent":
 * {@code Using worker class virtual (workers=1, worker-connections=1000, capacity=1000) on Tomcat}.
 */
class WorkerClassStartupLogger implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(WorkerClassStartupLogger.class);

	private final WorkerSettings settings;

	private final boolean observed;

	private final ObjectProvider<WebServerEngine> engines;

	/**
	 * @param observed whether the engine serves on its own (no class set) and the starter only reports
	 * @param engines the engines registered by their auto-configurations, to name the one that serves
	 */
	WorkerClassStartupLogger(WorkerSettings settings, boolean observed, ObjectProvider<WebServerEngine> engines) {
		this.settings = settings;
		this.observed = observed;
		this.engines = engines;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getParent() != null) {
			return; // a management child context shares the workers; say it once
		}
		String engine = WebServerEngine.nameOf(event.getWebServer(), this.engines.orderedStream());
		if (this.observed) {
			logger.info("No server.worker-class set: " + engine + " serves as in plain Spring Boot, reported as "
					+ this.settings.describe() + "; set server.worker-class to choose and manage a class");
			return;
		}
		logger.info("Using worker class " + this.settings.describe() + " on " + engine);
	}

}
