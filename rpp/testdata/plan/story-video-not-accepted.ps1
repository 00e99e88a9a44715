# Lync Server Management Shell script written by rpp plan.
# golden test
# Safe to run twice: each New-Cs... and Remove-Cs... runs only when its Get-Cs... check says it is still to do.
$ErrorActionPreference = 'Stop'

# Step 1: Create the multiple-computer trusted application pool video.litware.com, registered with pool01.litware.com
if (-not (Get-CsTrustedApplicationPool -Identity 'TrustedApplicationPool:video.litware.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationPool -Identity 'video.litware.com' -Registrar 'pool01.litware.com' -Site ((Get-CsSite -Identity 'site:Central').SiteId) -ComputerFqdn 'rmx.litware.com' -RequiresReplication $false -ThrottleAsServer $true -TreatAsAuthenticated $true
}

# Step 2: Add computer dma.litware.com to trusted application pool video.litware.com
if (-not (Get-CsTrustedApplicationComputer -Identity 'dma.litware.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationComputer -Identity 'dma.litware.com' -Pool 'video.litware.com'
}

# Step 3: Create trusted application video in pool video.litware.com on port 5061 (Lync assigns the pool its Service GRUU)
if (-not (Get-CsTrustedApplication -Identity 'video.litware.com/urn:application:video' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplication -ApplicationId 'video' -TrustedApplicationPoolFqdn 'video.litware.com' -Port 5061
}

# Step 4: Create trusted application endpoint sip:rmxedge@litware.com in pool video.litware.com (application video): the RMX's ICE identity
if (-not (Get-CsTrustedApplicationEndpoint -Identity 'sip:rmxedge@litware.com' -ErrorAction SilentlyContinue)) {
    New-CsTrustedApplicationEndpoint -ApplicationId 'video' -TrustedApplicationPoolFqdn 'video.litware.com' -SipAddress 'sip:rmxedge@litware.com'
}

# Step 5: Add a static route: requests for vc.litware.com to dma.litware.com:5061 over TLS (the traditional workflow)
if (-not (@((Get-CsStaticRoutingConfiguration -Identity 'global').Route | Where-Object { $_.MatchUri -eq 'vc.litware.com' -and $_.Transport.Fqdn -eq 'dma.litware.com' -and $_.Transport.Port -eq 5061 }).Count -gt 0)) {
    Set-CsStaticRoutingConfiguration -Identity 'global' -Route (@{Add=(New-CsStaticRoute -TLSRoute -UseDefaultCertificate $true -Destination 'dma.litware.com' -Port 5061 -MatchUri 'vc.litware.com')})
}

# Step 6: Publish the topology changes above
Enable-CsTopology

# Step 7: Read back the Service GRUU Lync assigned to pool video.litware.com: the RMX flag takes it without sip:, the DMA with sip:
$gruu7 = (Get-CsTrustedApplication -Identity 'video.litware.com/urn:application:video').ServiceGruu
if (-not $gruu7) { throw 'No Service GRUU for video.litware.com/video: publish the topology (Enable-CsTopology) and run this script again.' }
$bare7 = $gruu7 -replace '^(?i)sip:', ''
Write-Output "RMX system flag SIP_CONTACT_OVERRIDE_STR (without sip:): $bare7"
Write-Output "DMA Lync Integration, CsTrustedApplication ServiceGruu (with sip:): sip:$bare7"

# Steps 8-17 are on the RMXs and DMAs (rpp plan --format text lists their settings):
#   8. [rmx/rmx] Install the RMX's own certificate: a SAN certificate naming its signalling FQDN (never a wildcard)
#   9. [rmx/rmx] Set the SIP server and the SIP domain of the ICE identity; save, and defer the reboot the RMX asks for
#   10. [rmx/rmx] Set ICE to the new method (the trusted application endpoint sip:rmxedge@litware.com); save, and defer the reboot the RMX asks for
#   11. [rmx/rmx] Add the system flag (New Flag) SIP_CONTACT_OVERRIDE_STR: the pool's Service GRUU without sip:
#   12. [rmx/rmx] Reboot the RMX once, so the settings above take effect together
#   13. [rmx/rmx] Set conference profile hd-720's encryption to none
#   14. [dma/dma] Install the DMA's certificate: a SAN certificate naming its FQDN (never a wildcard)
#   15. [dma/dma] Add the external SIP peer pool01 for Lync Front End pool pool01.litware.com; on its Lync Integration tab enable CsTrustedApplication ServiceGruu and paste the Service GRUU with sip:
#   16. [dma/dma] Add the meeting rooms 7000
#   17. [rmx/rmx] Check the RMX's Active Alarms list shows no ICE alarm (such as "Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received") and its ICE status shows the Edge server
Write-Output 'Now carry out steps 8-17 on the RMXs and DMAs.'
