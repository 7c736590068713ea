"""Local research: a role-and-location brief from the job and the built-in knowledge table."""

from __future__ import annotations

from creative_assets.models import JobPosting, ResearchBrief
from creative_assets.providers.base import Researcher
from creative_assets.providers.local.knowledge import job_role_family


class LocalResearcher(Researcher):
    """No web search: motivators come from the role family, facts only from the job itself."""

    def research(self, job: JobPosting) -> ResearchBrief:
        family = job_role_family(job)
        lang = job.language
        location = ", ".join(p for p in (job.location.city, job.location.region) if p)
        notes = [f"{job.employment_type} role in {location}"]
        if job.salary:
            notes.append(f"Advertised pay: {job.salary}")
        return ResearchBrief(
            role=job.title,
            location=location,
            motivators=family.motivators[lang],
            pain_points=family.pain_points[lang],
            market_notes=notes,
            citations=[],
            source=f"local knowledge base ({family.key})",
        )
