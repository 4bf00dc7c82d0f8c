from pathlib import Path

from conftest import need_pdfs

from ingest.clean import clean_pages, clean_text
from ingest.extract import extract_file
from kb.records import Page


def test_joins_broken_words_but_keeps_real_hyphens():
    text = "een gebiedsge- richte aanpak voor voorzie-\nningen in de Staten-\nGeneraal en wet- en regelgeving"
    out = clean_text(text)
    assert "gebiedsgerichte" in out
    assert "voorzieningen" in out
    assert "Staten-Generaal" in out
    assert "wet- en regelgeving" in out


def test_keeps_closing_dash_of_an_aside():
    out = clean_text("de impuls -in nauwe samenwerking met de burens- wil geven aan")
    assert "burens- wil" in out


def test_drops_page_furniture_and_return_address():
    text = ("> Retouradres Postbus 20011 2500 EA Den Haag\nAan de Voorzitter van de Tweede Kamer\n"
            "der Staten-Generaal\nPostbus 20018\n2500 EA DEN HAAG\n\nDatum 1 maart 2011\n"
            "Het kabinet neemt maatregelen.\nPagina 1 van 3\n"
            "Tweede Kamer, vergaderjaar 2023–2024, 32 851, nr. 79 11\nDe tekst gaat door.")
    out = clean_text(text)
    for gone in ("Retouradres", "Postbus", "Pagina 1 van 3", "vergaderjaar", "DEN HAAG"):
        assert gone not in out
    assert "Het kabinet neemt maatregelen." in out and "De tekst gaat door." in out


def test_collapses_justified_spacing():
    assert clean_text("veel   ruimte  tussen   woorden") == "veel ruimte tussen woorden"


def test_footnote_moves_out_of_the_running_sentence():
    text = ("Het Rijk helpt omdat opgaven de\n\n¹ Zie PBL, rapport uit 2022\n\n"
            "draagkracht van een regio overstijgen.²\n\nVolgende alinea.")
    out = clean_text(text)
    assert "opgaven de\ndraagkracht van een regio overstijgen." in out
    assert out.index("¹ Zie PBL") > out.index("overstijgen")
    assert out.index("¹ Zie PBL") < out.index("Volgende alinea")


def test_repeated_header_lines_across_pages_are_removed():
    bodies = ["De minister schrijft over wonen.", "Het kabinet investeert in scholen.",
              "Gemeenten krijgen meer ruimte.", "Tot slot de planning voor volgend jaar."]
    pages = [Page(i + 1, f"Ministerie van Voorbeeldzaken\nDirectie Regio\n{b}\nDe tweede zin staat hier {i}.\n"
                         f"Een derde regel met inhoud.\nVoorbeeldzaken | {i + 1}")
             for i, b in enumerate(bodies)]
    out = clean_pages(pages)
    for p, body in zip(out, bodies, strict=True):
        assert "Ministerie van Voorbeeldzaken" not in p.text
        assert "Voorbeeldzaken |" not in p.text
        assert body in p.text


def test_real_letter_pdf_loses_its_page_footer():
    pdf = need_pdfs() / "plooi_20110301-draagmoederschap.pdf"
    pages = clean_pages(extract_file(pdf))
    text = "\n".join(p.text for p in pages)
    assert len(pages) == 3
    assert "Pagina 2 van 3" not in text and "Retouradres" not in text
    assert "draagmoederschap" in text


def test_seed_text_keeps_footnote_content(tmp_path: Path):
    src = Path(__file__).resolve().parents[1] / "corpus" / "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt"
    out = clean_text(src.read_text(encoding="utf-8"))
    assert "Zie PBL" in out
    assert "omdat opgaven de\ndraagkracht" in out
