"""Sample credit-memo PDFs with known figures, generated with reportlab.

Each sample writes the same kind of facts in a different style (``$1.2M``,
``1,200,000`` in a table, ``(350,000)`` losses, ``€2.5 million``, several date
forms) so the extractor and mapper are exercised on real variation. The facts
are saved next to each PDF as JSON; tests compare the final memo with them.

Run ``python -m agents.demo.samples OUT_DIR`` to write them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

MONEY_FIELDS = (
    "loan_amount",
    "annual_revenue",
    "ebitda",
    "net_income",
    "total_debt",
    "interest_expense",
    "annual_debt_service",
    "current_assets",
    "current_liabilities",
    "collateral_value",
)


@dataclass
class SampleFacts:
    """What a sample PDF states, in normalised form (amounts in currency units)."""

    filename: str
    borrower_name: str
    industry: str
    as_of_date: str
    currency: str
    figures: dict[str, float] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)


def _acme() -> tuple[SampleFacts, list[tuple[str, str]], str]:
    written = {
        "loan_amount": "$1.2M",
        "annual_revenue": "$18.5 million",
        "ebitda": "$3,250,000",
        "net_income": "$1,100,000",
        "total_debt": "$6.5M",
        "interest_expense": "$410,000",
        "annual_debt_service": "$1,650,000",
        "current_assets": "$4.8M",
        "current_liabilities": "$2.9M",
        "collateral_value": "$2,000,000",
    }
    figures = {
        "loan_amount": 1_200_000,
        "annual_revenue": 18_500_000,
        "ebitda": 3_250_000,
        "net_income": 1_100_000,
        "total_debt": 6_500_000,
        "interest_expense": 410_000,
        "annual_debt_service": 1_650_000,
        "current_assets": 4_800_000,
        "current_liabilities": 2_900_000,
        "collateral_value": 2_000_000,
    }
    facts = SampleFacts(
        "acme_precision_credit_memo.pdf",
        "Acme Precision Manufacturing LLC",
        "Manufacturing",
        "2024-03-31",
        "USD",
        {k: float(v) for k, v in figures.items()},
        written,
    )
    header = [
        ("Borrower", facts.borrower_name),
        ("Industry", "Manufacturing (precision machined parts)"),
        ("As of Date", "March 31, 2024"),
        ("Loan Term", "5 years"),
        ("Interest Rate", "7.25%"),
    ]
    return facts, header, "text"


def _blue_harbor() -> tuple[SampleFacts, list[tuple[str, str]], str]:
    figures = {
        "loan_amount": 2_750_000,
        "annual_revenue": 42_300_000,
        "ebitda": 3_900_000,
        "net_income": -350_000,
        "total_debt": 16_800_000,
        "interest_expense": 1_450_000,
        "annual_debt_service": 3_400_000,
        "current_assets": 7_200_000,
        "current_liabilities": 7_650_000,
        "collateral_value": 3_100_000,
    }
    written = {k: f"{v:,.0f}" if v >= 0 else f"({abs(v):,.0f})" for k, v in figures.items()}
    facts = SampleFacts(
        "blue_harbor_credit_memo.pdf",
        "Blue Harbor Logistics Inc.",
        "Transportation & Logistics",
        "2023-12-31",
        "USD",
        {k: float(v) for k, v in figures.items()},
        written,
    )
    header = [
        ("Borrower", facts.borrower_name),
        ("Industry", facts.industry),
        ("As of Date", "12/31/2023"),
        ("Currency", "USD"),
        ("Loan Term", "84 months"),
    ]
    return facts, header, "table"


def _nordlicht() -> tuple[SampleFacts, list[tuple[str, str]], str]:
    written = {
        "loan_amount": "€2.5 million",
        "annual_revenue": "€ 31.2M",
        "ebitda": "€7,400,000",
        "net_income": "€2.1M",
        "total_debt": "€0.022bn",
        "interest_expense": "€980,000",
        "annual_debt_service": "€4,300,000",
        "current_assets": "€6.1M",
        "current_liabilities": "€5.2M",
        "collateral_value": "€4.0M",
    }
    figures = {
        "loan_amount": 2_500_000,
        "annual_revenue": 31_200_000,
        "ebitda": 7_400_000,
        "net_income": 2_100_000,
        "total_debt": 22_000_000,
        "interest_expense": 980_000,
        "annual_debt_service": 4_300_000,
        "current_assets": 6_100_000,
        "current_liabilities": 5_200_000,
        "collateral_value": 4_000_000,
    }
    facts = SampleFacts(
        "nordlicht_energie_credit_memo.pdf",
        "Nordlicht Energie GmbH",
        "Renewable Energy",
        "2023-12-31",
        "EUR",
        {k: float(v) for k, v in figures.items()},
        written,
    )
    header = [
        ("Borrower", facts.borrower_name),
        ("Sector", facts.industry),
        ("Statement Date", "31 December 2023"),
        ("Interest Rate", "5.9 %"),
    ]
    return facts, header, "text"


LABELS = {
    "loan_amount": "Loan Amount",
    "annual_revenue": "Annual Revenue",
    "ebitda": "EBITDA",
    "net_income": "Net Income",
    "total_debt": "Total Debt",
    "interest_expense": "Interest Expense",
    "annual_debt_service": "Annual Debt Service",
    "current_assets": "Current Assets",
    "current_liabilities": "Current Liabilities",
    "collateral_value": "Collateral Value",
}

_GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])

SAMPLES: list[Callable[[], tuple[SampleFacts, list[tuple[str, str]], str]]] = [
    _acme,
    _blue_harbor,
    _nordlicht,
]


def _write_pdf(path: Path, facts: SampleFacts, header: list[tuple[str, str]], layout: str) -> None:
    styles = getSampleStyleSheet()
    story: list[object] = [
        Paragraph("Credit Memorandum", styles["Title"]),
        Paragraph("Commercial Lending: Request for Credit Approval", styles["Heading2"]),
    ]
    story += [Paragraph(f"{label}: {value}", styles["Normal"]) for label, value in header]
    story += [
        Spacer(1, 12),
        Paragraph(
            f"{facts.borrower_name} requests a term loan to refinance equipment and fund working "
            "capital. Figures below are taken from the borrower's financial statements.",
            styles["Normal"],
        ),
        Spacer(1, 12),
        Paragraph("Financial Summary", styles["Heading2"]),
    ]
    rows = [(LABELS[name], facts.written[name]) for name in MONEY_FIELDS]
    if layout == "table":
        # Split over two pages to exercise multi-page tables.
        story.append(Table([("Item", "Amount"), *rows[:5]], style=_GRID))
        story.append(PageBreak())
        story.append(Paragraph("Balance Sheet and Debt", styles["Heading2"]))
        story.append(Table([("Item", "Amount"), *rows[5:]], style=_GRID))
    else:
        story += [Paragraph(f"{label}: {value}", styles["Normal"]) for label, value in rows]
    SimpleDocTemplate(str(path), pagesize=LETTER, title=f"Credit memo {facts.borrower_name}").build(
        story  # type: ignore[arg-type]
    )


def generate_samples(out_dir: Path | str) -> list[SampleFacts]:
    """Write every sample PDF and its ``.json`` facts into ``out_dir``; return the facts."""
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for build in SAMPLES:
        facts, header, layout = build()
        _write_pdf(directory / facts.filename, facts, header, layout)
        (directory / facts.filename).with_suffix(".json").write_text(facts.to_json())
        made.append(facts)
    return made


if __name__ == "__main__":
    for sample in generate_samples(sys.argv[1] if len(sys.argv) > 1 else "samples"):
        sys.stdout.write(f"{sample.filename}: {sample.borrower_name}\n")
